package com.booqing.whatsapp.common.tenant;

import com.booqing.whatsapp.common.event.EventPayload;

/**
 * A tenant's configuration, endpoint or device was created, changed or deleted. For dashboards and audit;
 * the state itself is on the compacted topics.
 *
 * @param subject "tenant", "endpoint" or "device"
 * @param action  "created", "updated" or "deleted"
 */
public record ConfigurationChanged(String subject, String subjectId, String action, String detail)
        implements EventPayload {

    @Override
    public String type() {
        return "config.changed";
    }
}
