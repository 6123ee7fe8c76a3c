package com.booqing.whatsapp.ingress.device;

import com.booqing.whatsapp.common.management.ManagementCommand.DevicePatch;
import com.booqing.whatsapp.ingress.http.ApiException;

import java.util.regex.Pattern;

/**
 * Body of {@code POST /api/whatsapp/devices/{tenantId}} (create: endpointId and deviceName required) and
 * {@code PUT /api/whatsapp/devices/{deviceId}} (any of deviceName, phoneNumber, maxReconnectAttempts).
 * A device stays on the endpoint it was created on.
 */
public record DeviceRequest(
        String tenantId,
        String endpointId,
        String deviceName,
        String phoneNumber,
        Integer maxReconnectAttempts) {

    /** E.164, as the processor stores a device's number. */
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    /** What the device manager accepts for a pairing code: 6-20 digits, an optional '+'. */
    static final Pattern PAIRING_PHONE = Pattern.compile("\\+?[0-9]{6,20}");
    private static final int MAX_NAME = 100;

    void checkForCreate(String pathTenantId) {
        checkTenant(pathTenantId);
        if (endpointId == null || endpointId.isBlank()) {
            throw ApiException.invalidField("endpointId", "endpointId is required");
        }
        if (deviceName == null) {
            throw ApiException.invalidField("deviceName", "deviceName is required");
        }
        checkFields();
    }

    DevicePatch toPatch(String deviceTenantId) {
        checkTenant(deviceTenantId);
        if (endpointId != null) {
            throw ApiException.invalidField("endpointId",
                    "a device cannot move to another endpoint; create a new device there");
        }
        checkFields();
        if (deviceName == null && phoneNumber == null && maxReconnectAttempts == null) {
            throw ApiException.badRequest("the request changes nothing");
        }
        return new DevicePatch(deviceName == null ? null : deviceName.trim(), phoneNumber, maxReconnectAttempts);
    }

    private void checkFields() {
        if (deviceName != null && (deviceName.isBlank() || deviceName.length() > MAX_NAME
                || deviceName.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.invalidField("deviceName", "deviceName must be 1-" + MAX_NAME + " printable characters");
        }
        if (phoneNumber != null && !E164.matcher(phoneNumber).matches()) {
            throw ApiException.invalidField("phoneNumber", "phoneNumber must be in E.164 form, e.g. +14155550123");
        }
        if (maxReconnectAttempts != null && (maxReconnectAttempts < 0 || maxReconnectAttempts > 1000)) {
            throw ApiException.invalidField("maxReconnectAttempts", "maxReconnectAttempts must be between 0 and 1000");
        }
    }

    private void checkTenant(String expected) {
        if (tenantId != null && !tenantId.equals(expected)) {
            throw ApiException.invalidField("tenantId", "tenantId must be the device's tenant");
        }
    }

    static void checkPairingPhone(String field, String phone) {
        if (phone != null && !PAIRING_PHONE.matcher(phone).matches()) {
            throw ApiException.invalidField(field, field + " must be 6-20 digits with an optional leading '+'");
        }
    }
}
