package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.redis.RedisKeys;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code <namespace>:command:{commandId}} STRING -> the command's {@code CommandOutcome} JSON, for
 * {@value #TTL_DAYS} day: how a caller answered 202 follows its command. Belongs in {@link RedisKeys}; kept here
 * until common has it.
 */
public final class CommandKeys {
    public static final int TTL_DAYS = 1;
    public static final Duration TTL = Duration.ofDays(TTL_DAYS);
    private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private CommandKeys() {
    }

    public static String command(RedisKeys keys, String commandId) {
        return keys.command(commandId);
    }

    static boolean isCommandId(String id) {
        return id != null && COMMAND_ID.matcher(id).matches();
    }
}
