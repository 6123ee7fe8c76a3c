package com.booqing.whatsapp.simulator;

/**
 * A registered simulated endpoint.
 *
 * @param provider wire name of the provider it imitates, e.g. "cloud-api"
 * @param apiUrl   base URL of its own listener, {@code http://127.0.0.1:<port>}
 */
public record SimEndpoint(String id, String provider, String apiUrl) {

    public int port() {
        return Integer.parseInt(apiUrl.substring(apiUrl.lastIndexOf(':') + 1));
    }
}
