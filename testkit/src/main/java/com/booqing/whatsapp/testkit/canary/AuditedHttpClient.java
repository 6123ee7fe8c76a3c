package com.booqing.whatsapp.testkit.canary;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * An {@link HttpClient} that hands every answer it receives to the JVM's {@link CanaryAudit} (status, headers and
 * body, when the body was read as a String or bytes; streamed bodies are not seen). Tests wrap the client they
 * call the gateway with: {@code CanaryAudit}'s search then covers what the gateway answered them.
 */
public final class AuditedHttpClient extends HttpClient {
    private final HttpClient delegate;

    private AuditedHttpClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    /** {@code client}, its answers recorded for the secret audit. */
    public static HttpClient of(HttpClient client) {
        return client instanceof AuditedHttpClient ? client : new AuditedHttpClient(client);
    }

    /** A default client ({@link HttpClient#newHttpClient()}), its answers recorded. */
    public static HttpClient create() {
        return of(HttpClient.newHttpClient());
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return record(delegate.send(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(request, handler).thenApply(AuditedHttpClient::record);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return delegate.sendAsync(request, handler, push).thenApply(AuditedHttpClient::record);
    }

    private static <T> HttpResponse<T> record(HttpResponse<T> r) {
        Object body = r.body();
        // The path only: a query the test itself sent (a verify token, say) is not the gateway's answer.
        String request = r.request().method() + " " + r.request().uri().getRawPath();
        if (body instanceof String s) {
            CanaryAudit.httpAnswer(request, r.statusCode(), r.headers().map(), s);
        } else if (body instanceof byte[] b) {
            CanaryAudit.httpAnswer(request, r.statusCode(), r.headers().map(), b);
        } else {
            CanaryAudit.httpAnswer(request, r.statusCode(), r.headers().map(), (byte[]) null);
        }
        return r;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
