package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.webhook.ConversationAddress;

/**
 * The key of an event on the events topic: {@code tenantId:<conversation address>} for anything about a
 * conversation ({@code tenantId:phone}, the same shape as a send command's key; {@code tenantId:lid:<lid>} for a
 * customer known only by LID; {@code tenantId:<group>@g.us}), so that one conversation's messages and receipts
 * stay in one partition, in order; the bare tenant id for events that belong to no conversation.
 */
public final class ConversationKeys {

    private ConversationKeys() {
    }

    public static String of(Envelope envelope) {
        String address = null;
        if (envelope.payload() instanceof InboundMessage m) {
            address = ConversationAddress.of(m.phone(), m.lid());
        } else if (envelope.payload() instanceof MessageStatusUpdate u) {
            address = ConversationAddress.of(u.recipient(), null);
        }
        return address != null ? RedisKeys.conversationId(envelope.tenantId(), address) : envelope.tenantId();
    }
}
