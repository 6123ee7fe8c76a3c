package com.booqing.whatsapp.ingress.http;

import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;
import com.booqing.whatsapp.ingress.apikey.ApiKeys;
import com.booqing.whatsapp.ingress.live.StreamTokens;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Runs before every matched route that is not {@link Access#PUBLIC}: a new route is protected unless it says
 * otherwise. {@code Authorization: Bearer <key>} is either the admin key (every tenant) or a tenant key, checked
 * against its stored SHA-256 in constant time. Then the scope: a tenant key on a route of another tenant
 * ({@code {tenantId}} in the path) gets the 404 of a tenant that does not exist, and on an {@link Access#ADMIN}
 * route of its own tenant 403. Routes whose path names a resource rather than a tenant (devices) check the
 * resource's tenant in the handler, with {@link Caller#owns(String)}.
 *
 * <p>Routes that also carry {@link Access#STREAM} accept, when no Authorization header is sent, a stream token in
 * {@code ?access_token=} ({@link StreamTokens}): it acts as a key of its one tenant, and one issued for a tenant
 * key is refused once that key is revoked. Query strings are never logged anywhere, so the token is not either.
 *
 * <p>A client address that presented wrong credentials {@code limit} times within the window gets 429 with
 * Retry-After on every authenticated route until the window ends. Requests without credentials are refused 401
 * but not counted: they guess nothing.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";
    private static final int MAX_TOKEN_LENGTH = 512;

    private final String adminApiKey;
    private final ApiKeyDirectory keys;
    private final AuthFailureLimiter failures;
    private final StreamTokens streamTokens;

    public Authenticator(String adminApiKey, ApiKeyDirectory keys, AuthFailureLimiter failures,
                         StreamTokens streamTokens) {
        this.adminApiKey = adminApiKey;
        this.keys = keys;
        this.failures = failures;
        this.streamTokens = streamTokens;
    }

    public void check(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.contains(Access.PUBLIC)) {
            return;
        }
        String address = ctx.ip();
        OptionalLong retryAfter = failures.retryAfterSeconds(address);
        if (retryAfter.isPresent()) {
            throw new TooManyRequestsException("too_many_auth_failures",
                    "too many failed authentications from this address; retry later", retryAfter.getAsLong());
        }
        String header = ctx.header("Authorization");
        String token = bearerToken(header);
        Optional<Caller> caller = token == null ? Optional.empty() : identify(token);
        if (header == null && roles.contains(Access.STREAM)) {
            token = ctx.queryParam("access_token");
            caller = token == null ? Optional.empty() : identifyStreamToken(token);
        }
        if (caller.isEmpty()) {
            if (token != null) {
                failures.failed(address);
            }
            throw ApiException.unauthorized();
        }
        ctx.attribute(Caller.ATTRIBUTE, caller.get());
        if (caller.get().isAdmin()) {
            return;
        }
        String tenantId = ctx.pathParamMap().get("tenantId");
        if (tenantId != null && !caller.get().owns(tenantId)) {
            throw NotFound.tenant();
        }
        if (!roles.contains(Access.TENANT)) {
            throw ApiException.forbidden();
        }
    }

    private Optional<Caller> identify(String token) {
        if (ConstantTime.equals(token, adminApiKey)) {
            return Optional.of(Caller.ADMIN);
        }
        Optional<String> keyId = ApiKeys.keyIdOf(token);
        if (keyId.isEmpty()) {
            return Optional.empty();
        }
        Optional<ApiKey> key = keys.find(keyId.get());
        if (key.isEmpty() && !keys.isReady()) {
            // The key may exist but not be loaded yet: a transient fault, not the caller's.
            throw new UnavailableException("the gateway is starting; retry later");
        }
        return key.filter(k -> ApiKeys.matches(token, k)).map(k -> Caller.tenant(k.tenantId(), k.keyId()));
    }

    private Optional<Caller> identifyStreamToken(String token) {
        Optional<StreamTokens.Grant> grant = streamTokens.verify(token);
        if (grant.isEmpty()) {
            return Optional.empty();
        }
        String tenantId = grant.get().tenantId();
        String keyId = grant.get().keyId();
        if (keyId == null) {
            return Optional.of(Caller.tenant(tenantId, null)); // the admin asked for it, for this tenant only
        }
        Optional<ApiKey> key = keys.find(keyId);
        if (key.isEmpty() && !keys.isReady()) {
            throw new UnavailableException("the gateway is starting; retry later");
        }
        return key.filter(k -> !k.revoked() && k.tenantId().equals(tenantId))
                .map(k -> Caller.tenant(tenantId, keyId));
    }

    private static String bearerToken(String header) {
        if (header == null || header.length() > BEARER.length() + MAX_TOKEN_LENGTH
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
