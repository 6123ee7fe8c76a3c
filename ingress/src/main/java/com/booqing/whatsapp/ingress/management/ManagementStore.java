package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the management API reads: the processor's projections of configuration, endpoints, devices and command
 * outcomes, and the health monitor's endpoint health. Lookups that take a tenant return only that tenant's
 * resources: another tenant's id is as absent as a missing one.
 */
public interface ManagementStore {

    /** The tenant's configuration (TenantConfiguration JSON). */
    Optional<JsonNode> config(String tenantId);

    /** One endpoint as the processor rendered it (secrets masked), if it is the tenant's. */
    Optional<JsonNode> endpoint(String tenantId, String endpointId);

    /** The tenant's endpoints, oldest first. */
    List<JsonNode> endpoints(String tenantId);

    /** One device (Device JSON, with {@code qrImage} when the provider gave one), whichever tenant's. */
    Optional<JsonNode> device(String deviceId);

    /** The tenant's devices, oldest first. */
    List<JsonNode> devices(String tenantId);

    /** The health monitor's latest view of each endpoint that has one. */
    Map<String, EndpointHealth> health(Collection<String> endpointIds);

    /** A command's outcome, if it is the tenant's and still kept. */
    Optional<CommandOutcome> command(String tenantId, String commandId);
}
