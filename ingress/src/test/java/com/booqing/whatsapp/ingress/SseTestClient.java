package com.booqing.whatsapp.ingress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A Server-Sent Events client for tests: reads frames on a thread of its own and keeps every one it got. */
final class SseTestClient implements AutoCloseable {

    /** One frame: its id (null when it had none), event name and data. */
    record Event(String id, String name, String data) {
    }

    private final int status;
    private final InputStream body;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final StringBuilder errorBody = new StringBuilder();
    private final Thread reader;
    private volatile boolean ended;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        this.body = response.body();
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static SseTestClient open(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(b::header);
        return new SseTestClient(http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status() {
        return status;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** The body of an answer that was not a stream, once it ended. */
    String errorBody() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ended && System.nanoTime() < deadline) {
            sleep();
        }
        synchronized (errorBody) {
            return errorBody.toString();
        }
    }

    /** The first frame that matches, waiting up to {@code timeout} for it. */
    Event await(Predicate<Event> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Event e : events) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            if (ended) {
                break;
            }
            sleep();
        }
        throw new AssertionError("no matching event within " + timeout + "; got " + events);
    }

    Event await(String name, String contained, Duration timeout) {
        return await(e -> e.name().equals(name) && e.data().contains(contained), timeout);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (status != 200) {
                    synchronized (errorBody) {
                        errorBody.append(line);
                    }
                } else if (line.isEmpty()) {
                    if (name != null || data.length() > 0) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            ended = true;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }
}
