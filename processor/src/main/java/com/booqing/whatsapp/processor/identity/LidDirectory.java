package com.booqing.whatsapp.processor.identity;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.processor.webhook.ConversationAddress;
import com.booqing.whatsapp.processor.webhook.LidLink;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Which phone number each WhatsApp LID stands for, per tenant: a persistent, changelogged Streams store keyed
 * {@code tenantId|lid} (never the LID alone: the same LID in another tenant is another tenant's business).
 *
 * <p>Scope: like the dedup store it lives in the task of a raw-webhooks partition, whose key is
 * tenant:endpoint, so a link learnt through one endpoint is not known to another endpoint of the same tenant
 * on another partition (see processor/INBOUND.md). Entries never expire: a LID is stable for its account.
 */
public final class LidDirectory {
    public static final String STORE = "lid-phone";
    private static final char SEPARATOR = '|';

    private final KeyValueStore<String, String> store;

    public LidDirectory(KeyValueStore<String, String> store) {
        this.store = store;
    }

    public static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String());
    }

    static String key(String tenantId, String lid) {
        return tenantId + SEPARATOR + lid;
    }

    /** Remembers a link; a LID whose account changed number gets the new number. */
    public void record(String tenantId, LidLink link) {
        String key = key(tenantId, link.lid());
        if (!link.phone().equals(store.get(key))) {
            store.put(key, link.phone());
        }
    }

    /** The phone of a tenant's LID, or null when no link was seen yet. */
    public String phoneOf(String tenantId, String lid) {
        return lid == null ? null : store.get(key(tenantId, lid));
    }

    /**
     * The event with the phone filled in where it names only a LID whose phone is known: an inbound message
     * (which then carries both and joins the phone's conversation) or a receipt addressed to {@code lid:<digits>}.
     */
    public Envelope resolve(Envelope event) {
        if (event.payload() instanceof InboundMessage m && m.phone() == null && m.lid() != null) {
            String phone = phoneOf(m.tenantId(), m.lid());
            if (phone == null) {
                return event;
            }
            InboundMessage linked = new InboundMessage(m.messageId(), m.providerMessageId(), m.tenantId(),
                    m.endpointId(), m.provider(), phone, m.lid(), m.contactName(), m.timestamp(), m.content(),
                    m.replyTo());
            return new Envelope(event.eventId(), event.tenantId(), event.occurredAt(), event.source(), linked);
        }
        if (event.payload() instanceof MessageStatusUpdate u) {
            String phone = phoneOf(u.tenantId(), ConversationAddress.lidOf(u.recipient()));
            if (phone == null) {
                return event;
            }
            MessageStatusUpdate linked = new MessageStatusUpdate(u.messageId(), u.providerMessageId(), u.tenantId(),
                    u.endpointId(), u.provider(), phone, u.status(), u.timestamp(), u.errorCode(), u.errorTitle());
            return new Envelope(event.eventId(), event.tenantId(), event.occurredAt(), event.source(), linked);
        }
        return event;
    }
}
