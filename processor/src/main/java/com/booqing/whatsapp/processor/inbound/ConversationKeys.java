package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.processor.webhook.PhoneNumbers;

/**
 * The key of an event on the events topic: {@code tenantId:phone} for anything about a conversation (the same
 * shape as a send command's key), so that one conversation's messages and receipts stay in one partition, in
 * order; the bare tenant id for events that belong to no conversation.
 */
public final class ConversationKeys {

    private ConversationKeys() {
    }

    public static String of(Envelope envelope) {
        String phone = null;
        if (envelope.payload() instanceof InboundMessage m) {
            phone = m.phone();
        } else if (envelope.payload() instanceof MessageStatusUpdate u) {
            phone = u.recipient();
        }
        return PhoneNumbers.isConversationPhone(phone)
                ? SendCommand.partitionKey(envelope.tenantId(), phone)
                : envelope.tenantId();
    }
}
