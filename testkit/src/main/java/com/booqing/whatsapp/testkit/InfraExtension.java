package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.testkit.canary.CanaryAudit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the JVM-wide {@link Infra} as a parameter (constructor, {@code @BeforeAll}, {@code @BeforeEach},
 * {@code @Test}). The Infra lives in the root context's store, so the first test class to need it starts it
 * and JUnit closes it once, after the last test of the JVM. A failed start is remembered: later classes fail at
 * once with the same cause instead of waiting for another broker.
 *
 * <p>The Infra carries the JVM's secret audit ({@link CanaryAudit}, on unless {@code -Dcanary.audit=false}): it
 * captures the JVM's output from the first start, and its search at close, before the broker stops, throws on a
 * leaked canary. JUnit reports that as an error of the test run, so {@code mvn verify} fails.
 */
public final class InfraExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(InfraExtension.class);

    /** The JVM's Infra, started on first use; for other extensions. */
    public static Infra infra(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, k -> Started.attempt(), Started.class)
                .infra();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        infra(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Infra.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return infra(context);
    }

    /** The outcome of starting the infrastructure; JUnit closes it with the root context. */
    private record Started(Infra started, RuntimeException failure) implements AutoCloseable {

        static Started attempt() {
            try {
                return new Started(Infra.start(BrokerFixture.fromEnvironment(), CanaryAudit.start()), null);
            } catch (RuntimeException e) {
                return new Started(null, e);
            }
        }

        Infra infra() {
            if (failure != null) {
                throw new IllegalStateException("the test infrastructure did not start: " + failure.getMessage(), failure);
            }
            return started;
        }

        @Override
        public void close() {
            if (started != null) {
                started.close();
            }
        }
    }
}
