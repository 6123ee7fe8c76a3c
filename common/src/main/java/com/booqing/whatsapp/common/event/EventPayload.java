package com.booqing.whatsapp.common.event;

import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a canonical event says; the subtypes are listed above (an interface, not sealed: they live in their
 * feature packages). Its dotted {@link #type()} names it on the
 * wire and in metrics.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = InboundMessage.class, name = "message.received"),
        @JsonSubTypes.Type(value = MessageStatusUpdate.class, name = "message.status"),
        @JsonSubTypes.Type(value = DeviceEvent.class, name = "device.status"),
        @JsonSubTypes.Type(value = ConfigurationChanged.class, name = "config.changed"),
        @JsonSubTypes.Type(value = UnknownEvent.class, name = "unknown"),
})
public interface EventPayload {

    @JsonIgnore
    String type();
}
