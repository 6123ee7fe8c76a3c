package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.ingress.http.Caller;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** How a stream ends towards the HTTP layer: answered by us, or left alone when the container has ended it. */
class StreamSessionTest {
    final List<StreamSession.End> told = new ArrayList<>();
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<AsyncListener> listeners = new ArrayList<>();

    StreamSession session() {
        StreamSession s = new StreamSession("salon-a", Caller.ADMIN, 64 * 1024, Runnable::run);
        s.onEnd(told::add);
        return s;
    }

    CompletableFuture<Void> start(StreamSession session) throws Exception {
        AsyncContext async = (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addListener")) {
                        listeners.add((AsyncListener) args[0]);
                    }
                    return null;
                });
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getAsyncContext") ? async : null);
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                written.write(b);
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{HttpServletResponse.class},
                (proxy, method, args) -> method.getName().equals("getOutputStream") ? out : null);
        return session.start(request, response);
    }

    @Test
    void aStreamEndedByTheGatewayCompletesItsRequest() throws Exception {
        StreamSession session = session();
        CompletableFuture<Void> done = start(session);
        session.offer("data: hello\n\n".getBytes());

        session.end(StreamSession.End.KEY_REVOKED);

        assertThat(written.toString()).isEqualTo("data: hello\n\n");
        assertThat(told).containsExactly(StreamSession.End.KEY_REVOKED);
        assertThat(done).isCompleted();
    }

    @Test
    void aRequestTheContainerCompletedIsNotAnsweredAgain() throws Exception {
        StreamSession session = session();
        CompletableFuture<Void> done = start(session);

        listeners.get(0).onComplete(null);

        assertThat(told).as("the hub still learns that the stream is gone").containsExactly(StreamSession.End.CLIENT_GONE);
        assertThat(done).as("completing it would make Javalin write to a recycled response").isNotDone();
        assertThat(session.offer("data: late\n\n".getBytes())).isFalse();
        assertThat(written.toString()).isEmpty();
    }

    @Test
    void aRequestTheContainerFailedIsNotAnsweredEither() throws Exception {
        StreamSession session = session();
        CompletableFuture<Void> done = start(session);

        listeners.get(0).onError(null);
        listeners.get(0).onComplete(null);

        assertThat(told).containsExactly(StreamSession.End.CLIENT_GONE);
        assertThat(done).isNotDone();
    }
}
