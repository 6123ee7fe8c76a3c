package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

/** One record the single writer puts on a compacted topic; a removal is a tombstone. */
sealed interface Change {

    /** Identifies the record on its topic, so that one command writes each record once, in its last version. */
    String identity();

    record ConfigPut(TenantConfiguration config) implements Change {
        public String identity() {
            return "config:" + config.tenantId();
        }
    }

    record EndpointPut(Endpoint endpoint) implements Change {
        public String identity() {
            return "endpoint:" + endpoint.id();
        }
    }

    record EndpointRemoved(String endpointId) implements Change {
        public String identity() {
            return "endpoint:" + endpointId;
        }
    }

    record DevicePut(Device device) implements Change {
        public String identity() {
            return "device:" + device.id();
        }
    }

    record DeviceRemoved(String deviceId) implements Change {
        public String identity() {
            return "device:" + deviceId;
        }
    }

    record ApiKeyPut(ApiKey key) implements Change {
        public String identity() {
            return "apikey:" + key.keyId();
        }
    }
}
