package com.booqing.whatsapp.common.config;

/** A configuration problem found at start-up. The message names the variable and never echoes its value. */
public final class ConfigException extends RuntimeException {
    private final String variable;

    public ConfigException(String variable, String problem) {
        super(variable + " " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
