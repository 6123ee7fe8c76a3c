package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.tenant.Ids;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small identity helpers the WAHA and Evolution parsers share. */
public final class ProviderIds {

    private ProviderIds() {
    }

    /**
     * The device id a session or instance name stands for, when the name is a gateway device id
     * ({@code dev_...}); otherwise null: mapping provider sessions to devices is the device management's job.
     */
    public static String deviceIdOf(String sessionName) {
        return sessionName != null && sessionName.startsWith(Device.ID_PREFIX) && Ids.isValidGeneratedId(sessionName)
                ? sessionName : null;
    }

    /** SHA-256 of the raw body, hex: the identity of a webhook that names none (a provider retry sends the same bytes). */
    public static String bodyHash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
