/**
 * The seam between the provider-neutral endpoint server and one provider's wire format.
 * <p>
 * To add a provider (WAHA, Evolution API): implement {@link com.booqing.whatsapp.simulator.provider.ProviderBehaviour}
 * in its own package next to {@code cloudapi} (routes with the provider's auth and error bodies, its webhook envelope
 * and signature, its receipt vocabulary), add a {@code register...} method on
 * {@link com.booqing.whatsapp.simulator.Simulator}, and accept its name in the admin API's {@code provider} field.
 * Faults, recording, retries and the receipt schedule then work unchanged.
 */
package com.booqing.whatsapp.simulator.provider;
