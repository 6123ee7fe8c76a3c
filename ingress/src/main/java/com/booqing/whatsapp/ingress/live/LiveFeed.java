package com.booqing.whatsapp.ingress.live;

/**
 * What the live stream is made of: the health, devices and events topics, read by the ingress itself (it calls no
 * other service). Production reads Kafka ({@link KafkaLiveFeed}); tests hand records to the sink directly.
 */
public interface LiveFeed extends AutoCloseable {

    /** Starts reading and handing records to {@code sink}; called once. */
    void start(LiveSink sink);

    /**
     * True once the current state is loaded and the feed reads the events topic from a fixed position: from then
     * on nothing published is missed. Until then the stream answers 503.
     */
    boolean isReady();

    @Override
    void close();
}
