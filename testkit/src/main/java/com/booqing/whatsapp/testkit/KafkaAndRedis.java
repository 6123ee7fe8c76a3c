package com.booqing.whatsapp.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an integration test that runs against the test JVM's real Kafka broker and Redis; its methods
 * (and constructor, {@code @BeforeAll}, {@code @BeforeEach}) may take an {@link Infra} parameter.
 * <pre>
 * &#64;KafkaAndRedis
 * class SomethingIT {
 *     &#64;Test
 *     void doesSomething(Infra infra) {
 *         Topics topics = infra.newTopics();
 *         RedisKeys keys = infra.newRedisKeys();
 *         ...
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(InfraExtension.class)
public @interface KafkaAndRedis {
}
