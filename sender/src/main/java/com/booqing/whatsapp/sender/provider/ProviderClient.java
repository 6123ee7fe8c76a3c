package com.booqing.whatsapp.sender.provider;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client of every provider call: Apache HttpClient 5 classic, minimal, whose blocking I/O runs on the
 * worker's own thread. The JDK's {@code HttpClient} hands every exchange to its selector thread and back; side by
 * side against the same simulator ({@code bench} HttpClientCost, medians of 5 alternating rounds) the caller paid
 * 237 µs of CPU per call with it (187 pinned to HTTP/1.1), 90 µs with Apache's full client and 51 µs with this one.
 * <p>
 * Connections are pooled per host and port and reused; redirects, retries, cookies and authentication are not in this
 * client (a key must never travel to another host, and a POST is never repeated behind the sender's back). With an
 * {@link EndpointAddressCheck}, every new connection resolves its host through it: every address is checked and the
 * socket connects to one of those checked addresses, so a DNS answer that changes after the check (rebinding) is
 * never followed, and TLS still verifies the certificate against the host name.
 */
public final class ProviderClient implements AutoCloseable {
    /** Connections per host and port: Cloud API numbers of every tenant share graph.facebook.com:443. */
    static final int MAX_CONNECTIONS = 1024;
    private static final TimeValue IDLE_EVICTION = TimeValue.ofSeconds(30);
    private static final Duration EVICTION_EVERY = Duration.ofSeconds(10);

    private final CloseableHttpClient http;
    private final PoolingHttpClientConnectionManager pool;
    private final ScheduledThreadPoolExecutor deadlines;

    private ProviderClient(CloseableHttpClient http, PoolingHttpClientConnectionManager pool) {
        this.http = http;
        this.pool = pool;
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "provider-call-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        // The minimal client has no evictor thread of its own: connections past their time to live, or idle for
        // longer than a provider keeps them, are closed here.
        deadlines.scheduleWithFixedDelay(() -> {
            try {
                pool.closeExpired();
                pool.closeIdle(IDLE_EVICTION);
            } catch (RuntimeException e) {
                // a failure here must not cancel the next round (a periodic task that throws never runs again)
            }
        }, EVICTION_EVERY.toMillis(), EVICTION_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Resolves names with the system resolver, unchecked: for tests that call a local server by URL. */
    public static ProviderClient create(Duration connectTimeout) {
        return create(connectTimeout, SystemDefaultDnsResolver.INSTANCE);
    }

    /** Every connection's addresses pass the check; a refused one fails the call before anything is sent. */
    public static ProviderClient create(Duration connectTimeout, EndpointAddressCheck addresses) {
        return create(connectTimeout, new CheckedDns(addresses));
    }

    /** Trusts what {@code tls} trusts instead of the JVM's default authorities: for tests with their own CA. */
    static ProviderClient create(Duration connectTimeout, SSLContext tls) {
        return create(connectTimeout, SystemDefaultDnsResolver.INSTANCE, new DefaultClientTlsStrategy(tls));
    }

    private static ProviderClient create(Duration connectTimeout, DnsResolver dns) {
        return create(connectTimeout, dns, null);
    }

    /** @param tls null for the JVM's default trust (which {@code javax.net.ssl.trustStore} can replace) */
    private static ProviderClient create(Duration connectTimeout, DnsResolver dns, TlsSocketStrategy tls) {
        PoolingHttpClientConnectionManager pool = ChannelSockets.poolBuilder()
                .setTlsSocketStrategy(tls)
                .setDnsResolver(dns)
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        // Every pooled connection is checked before every reuse (one non-blocking read,
                        // ChannelSockets): a request written into a socket the provider has closed (it went down, or
                        // dropped an idle keep-alive) gets no answer and its outcome is unknown, so it could neither
                        // be retried nor fail over; on a fresh connection the same outage is a refused connect,
                        // certainly not sent.
                        .setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS)
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        .build())
                .build();
        // The minimal client: no redirects, retries, cookies, authentication or compression, which is what a
        // provider call wants anyway; the full client's chain of steps for them was half of its CPU per call
        // (JFR, bench SendBenchmark), mostly working out an authentication scope no call ever uses.
        return new ProviderClient(HttpClients.createMinimal(pool), pool);
    }

    CloseableHttpClient http() {
        return http;
    }

    /** Runs {@code action} after {@code delay} unless the returned future is cancelled first. */
    ScheduledFuture<?> at(Duration delay, Runnable action) {
        return deadlines.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            http.close();
        } catch (IOException ignored) {
            // closing sockets; nothing left to do
        }
        pool.close();
    }

    /** A refusal by the address check, carried through the client as the lookup's failure. */
    static final class RefusedAddressException extends UnknownHostException {
        private final transient SendOutcome.Failed outcome;

        RefusedAddressException(SendOutcome.Failed outcome) {
            super("address refused");
            this.outcome = outcome;
        }

        SendOutcome.Failed outcome() {
            return outcome;
        }
    }

    private record CheckedDns(EndpointAddressCheck addresses) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            EndpointAddressCheck.Resolution r = addresses.resolve(host);
            if (r instanceof EndpointAddressCheck.Refused refused) {
                throw new RefusedAddressException(refused.outcome());
            }
            return ((EndpointAddressCheck.Allowed) r).addresses();
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            // Only used for Kerberos/SPNEGO, which provider calls never do; the name as given is all we use.
            return host;
        }
    }
}
