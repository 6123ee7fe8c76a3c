package com.booqing.whatsapp.ingress;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** A tenant set up through the API by the admin: configuration, a WAHA endpoint, a device and a tenant key. */
record TenantFixture(String tenantId, String endpointId, String deviceId, String key, String keyId) {

    static TenantFixture create(Api api, String tenantId) {
        assertThat(api.post("/api/whatsapp/config/" + tenantId, ADMIN_KEY, "{}").code()).isEqualTo(201);
        Api.Reply endpoint = api.post("/api/whatsapp/endpoints/" + tenantId, ADMIN_KEY,
                ManagementApiIT.wahaEndpoint(true));
        assertThat(endpoint.code()).as(endpoint.toString()).isEqualTo(201);
        Api.Reply device = api.post("/api/whatsapp/devices/" + tenantId, ADMIN_KEY,
                "{\"endpointId\":\"" + endpoint.text("id") + "\",\"deviceName\":\"front desk\"}");
        assertThat(device.code()).as(device.toString()).isEqualTo(201);
        Api.Reply key = api.post("/api/whatsapp/keys/" + tenantId, ADMIN_KEY, null);
        assertThat(key.code()).as(key.toString()).isEqualTo(201);
        return new TenantFixture(tenantId, endpoint.text("id"), device.text("id"), key.text("key"), key.text("keyId"));
    }
}
