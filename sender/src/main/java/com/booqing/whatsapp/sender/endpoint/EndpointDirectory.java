package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.util.Collection;
import java.util.Optional;

/** What the sender knows about tenants' endpoints: read-only, in memory, never a network call. */
public interface EndpointDirectory {

    Optional<TenantConfiguration> configuration(String tenantId);

    Collection<Endpoint> endpointsOf(String tenantId);

    /** UNKNOWN when the health monitor has said nothing about the endpoint, or nothing recent. */
    HealthState health(String endpointId);

    /** A device of any tenant; callers check the tenant. */
    Optional<Device> device(String deviceId);
}
