/**
 * The seam between the provider-neutral endpoint server and one provider's wire format.
 * <p>
 * A provider implements {@link com.booqing.whatsapp.simulator.provider.ProviderBehaviour} in its own package
 * ({@code cloudapi}, {@code waha}, {@code evolution}): routes with the provider's auth and error bodies, its webhook
 * envelope and signature, its receipt vocabulary, and — for WhatsApp-Web based providers — a
 * {@link com.booqing.whatsapp.simulator.provider.Pairing} session. Through
 * {@link com.booqing.whatsapp.simulator.provider.ProviderContext} it can post webhooks it raises on its own (session
 * status, QR refreshes). Faults, recording, retries and the receipt schedule are shared.
 */
package com.booqing.whatsapp.simulator.provider;
