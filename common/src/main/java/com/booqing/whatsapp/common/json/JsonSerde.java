package com.booqing.whatsapp.common.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON serde for one record type. {@link #decode(byte[])} never throws: a bad record comes back as
 * {@link Decoded.Bad} with a short reason. The Kafka {@link Deserializer} view throws
 * {@link BadRecordException}, which Streams' deserialization handler routes to a dead-letter topic.
 */
public final class JsonSerde<T> implements Serde<T> {
    private final Class<T> type;
    private final ObjectMapper mapper;

    public JsonSerde(Class<T> type, ObjectMapper mapper) {
        this.type = type;
        this.mapper = mapper;
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type, Json.strict());
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    public Decoded<T> decode(byte[] bytes) {
        if (bytes == null) {
            return Decoded.bad("empty record", new byte[0]);
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                return Decoded.bad("record is JSON null", bytes);
            }
            return Decoded.ok(value);
        } catch (IOException e) {
            return Decoded.bad(reason(e), bytes);
        } catch (RuntimeException e) {
            // Record constructors validate their arguments; a violation is a bad record, not a crash.
            return Decoded.bad("invalid " + type.getSimpleName() + ": " + e.getMessage(), bytes);
        }
    }

    /** Jackson messages quote the input; keep only the first line, without the source excerpt. */
    private String reason(IOException e) {
        String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        msg = nl >= 0 ? msg.substring(0, nl) : msg;
        return "invalid " + type.getSimpleName() + " JSON: " + (msg.length() > 300 ? msg.substring(0, 300) : msg);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> {
            if (data == null) {
                return null; // a tombstone on a compacted topic
            }
            Decoded<T> d = decode(data);
            if (d instanceof Decoded.Ok<T> ok) {
                return ok.value();
            }
            Decoded.Bad<T> bad = (Decoded.Bad<T>) d;
            throw new BadRecordException(bad.reason(), bad.original());
        };
    }
}
