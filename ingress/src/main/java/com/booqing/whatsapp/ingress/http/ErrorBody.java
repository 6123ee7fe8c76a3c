package com.booqing.whatsapp.ingress.http;

/**
 * Every error response: a stable machine-readable code and a human sentence; {@code field} names the request
 * field at fault when there is one (left out otherwise).
 */
public record ErrorBody(String code, String message, String field) {

    public ErrorBody(String code, String message) {
        this(code, message, null);
    }
}
