package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint secrets opened once per sealed value rather than on every provider call: opening (cipher lookup, AES key
 * schedule, GCM) cost more than the rest of a call's own work. A changed secret is a new sealed value (fresh nonce),
 * so an entry is never stale, only unused; the map is bounded and starts over when full. Failures are not kept:
 * a secret that cannot be opened is tried again next time (a key may have been added meanwhile).
 */
final class OpenedSecrets {
    static final int MAX_ENTRIES = 10_000;

    private final SecretBox box;
    private final Map<String, String> opened = new ConcurrentHashMap<>();

    OpenedSecrets(SecretBox box) {
        this.box = box;
    }

    /** @throws SecretBox.SealedSecretException when it cannot be opened */
    String open(Sealed sealed, String context) {
        // The context is part of what was authenticated: the same token under another context must fail again.
        String key = context + '\n' + sealed.token();
        String plain = opened.get(key);
        if (plain != null) {
            return plain;
        }
        plain = box.openString(sealed, context);
        if (opened.size() >= MAX_ENTRIES) {
            opened.clear();
        }
        opened.put(key, plain);
        return plain;
    }

    int size() {
        return opened.size();
    }
}
