package com.booqing.whatsapp.sender.dispatch;

import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.sender.delivery.Cancellation;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the send-commands topic on its way through a lane.
 *
 * @param key        what orders it: the record key (tenant:recipient); jobs with the same key run one at a time,
 *                   in offset order
 * @param lane       the bulkhead it runs in
 * @param command    the decoded command, or null when the bytes could not be read
 * @param unreadable why the bytes could not be read, when they could not
 */
public record Job(ConsumerRecord<byte[], byte[]> record, PartitionState partition, String key, String lane,
                  SendCommand command, String unreadable, Cancellation cancellation) {

    public long offset() {
        return record.offset();
    }
}
