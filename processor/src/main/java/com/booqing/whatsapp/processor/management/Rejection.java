package com.booqing.whatsapp.processor.management;

/**
 * A command refused: what the REST layer answers ({@code httpStatus}, {@code code}, {@code message}) and, for a
 * refusal about one field, that field's name. Messages name fields and ids, never values of secrets.
 */
final class Rejection extends RuntimeException {
    private final int httpStatus;
    private final String code;
    private final String field;

    Rejection(int httpStatus, String code, String message, String field) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.code = code;
        this.field = field;
    }

    int httpStatus() {
        return httpStatus;
    }

    String code() {
        return code;
    }

    /** The refused field, or null when the refusal is not about one field. */
    String field() {
        return field;
    }

    static Rejection notFound(String code, String message) {
        return new Rejection(404, code, message, null);
    }

    static Rejection conflict(String code, String message) {
        return new Rejection(409, code, message, null);
    }

    static Rejection missing(String field, String message) {
        return new Rejection(422, Codes.MISSING_FIELD, message, field);
    }

    static Rejection invalid(String field, String message) {
        return new Rejection(422, Codes.INVALID_FIELD, message, field);
    }

    static Rejection unprocessable(String code, String field, String message) {
        return new Rejection(422, code, message, field);
    }
}
