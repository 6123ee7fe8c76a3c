package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.sender.BoundedMemo;

/**
 * Endpoint secrets opened once per sealed value rather than on every provider call: opening (cipher lookup, AES key
 * schedule, GCM) cost more than the rest of a call's own work. A changed secret is a new sealed value (fresh nonce),
 * so an entry is never stale, only unused; the map is bounded and starts over when full. Failures are not kept:
 * a secret that cannot be opened is tried again next time (a key may have been added meanwhile).
 */
final class OpenedSecrets {
    static final int MAX_ENTRIES = 10_000;

    private final SecretBox box;
    private final BoundedMemo<String, String> opened = new BoundedMemo<>(MAX_ENTRIES);

    OpenedSecrets(SecretBox box) {
        this.box = box;
    }

    /** @throws SecretBox.SealedSecretException when it cannot be opened */
    String open(Sealed sealed, String context) {
        // The context is part of what was authenticated: the same token under another context must fail again.
        return opened.get(context + '\n' + sealed.token(), key -> box.openString(sealed, context));
    }

    int size() {
        return opened.size();
    }
}
