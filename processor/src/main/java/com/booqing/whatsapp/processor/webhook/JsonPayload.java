package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads an untrusted webhook body: strict UTF-8 (Jackson tolerates some malformed sequences inside strings),
 * then JSON through {@link Json#lenient()}, whose read constraints bound nesting, number and string sizes.
 */
public final class JsonPayload {
    private static final ObjectMapper MAPPER = Json.lenient();

    private JsonPayload() {
    }

    /** Thrown with a short reason that never quotes the payload. */
    public static final class UnreadableException extends Exception {
        public UnreadableException(String reason) {
            super(reason, null, false, false);
        }
    }

    public static JsonNode read(byte[] body) throws UnreadableException {
        if (body == null || body.length == 0) {
            throw new UnreadableException("empty body");
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new UnreadableException("body is not valid UTF-8");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new UnreadableException("empty body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new UnreadableException("invalid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UnreadableException("invalid JSON: " + e.getClass().getSimpleName());
        }
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "unreadable";
        }
        int nl = msg.indexOf('\n');
        String line = nl >= 0 ? msg.substring(0, nl) : msg;
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
