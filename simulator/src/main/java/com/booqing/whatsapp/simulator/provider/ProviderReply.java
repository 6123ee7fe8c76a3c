package com.booqing.whatsapp.simulator.provider;

import java.util.Map;

/** An HTTP answer in a provider's own error format. */
public record ProviderReply(int status, Map<String, String> headers, Object body) {

    public ProviderReply {
        headers = Map.copyOf(headers);
    }
}
