package com.booqing.whatsapp.ingress.http;

/** Every error response: a stable machine-readable code and a human sentence. */
public record ErrorBody(String code, String message) {
}
