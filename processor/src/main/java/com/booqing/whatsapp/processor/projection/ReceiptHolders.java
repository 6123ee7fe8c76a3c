package com.booqing.whatsapp.processor.projection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The id of the message hash that keeps receipts for a provider message id nobody has mapped yet (the receipt
 * overtook the sender's result). Derived from (tenant, provider message id), so every receipt for that id
 * lands on the same holder and the send result knows where to find them. Same shape as EventIds' ids.
 */
public final class ReceiptHolders {

    private ReceiptHolders() {
    }

    public static String holderId(String tenantId, String providerMessageId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenantId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update("receipt".getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(providerMessageId.getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
