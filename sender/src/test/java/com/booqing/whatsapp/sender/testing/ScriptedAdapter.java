package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.sender.provider.ProviderAdapter;
import com.booqing.whatsapp.sender.provider.SendOutcome;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An adapter whose outcomes the test scripts per endpoint: queued outcomes are used in order, then the endpoint's
 * default ("sent" unless set). Records every call.
 */
public final class ScriptedAdapter implements ProviderAdapter {
    public record Call(String endpointId, String apiKey, SendCommand command, Duration timeout) {
    }

    private final ProviderType provider;
    private final Set<String> kinds;
    private final Map<String, Deque<SendOutcome>> queued = new HashMap<>();
    private final Map<String, SendOutcome> defaults = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private Consumer<Call> duringCall = c -> {
    };
    private int sent;

    public ScriptedAdapter(ProviderType provider, Set<String> kinds) {
        this.provider = provider;
        this.kinds = kinds;
    }

    public ScriptedAdapter() {
        this(ProviderType.CLOUD_API, Set.of("text", "location"));
    }

    public synchronized ScriptedAdapter then(String endpointId, SendOutcome... outcomes) {
        Deque<SendOutcome> q = queued.computeIfAbsent(endpointId, id -> new ArrayDeque<>());
        q.addAll(List.of(outcomes));
        return this;
    }

    public synchronized ScriptedAdapter always(String endpointId, SendOutcome outcome) {
        defaults.put(endpointId, outcome);
        return this;
    }

    /** Runs during each call, e.g. to move a clock as a slow provider would. */
    public synchronized ScriptedAdapter during(Consumer<Call> action) {
        this.duringCall = action;
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<String> endpointsCalled() {
        return calls.stream().map(Call::endpointId).toList();
    }

    @Override
    public ProviderType provider() {
        return provider;
    }

    @Override
    public Set<String> capabilities() {
        return kinds;
    }

    @Override
    public SendOutcome send(Endpoint endpoint, String secretApiKey, SendCommand command, Duration timeout) {
        Call call = new Call(endpoint.id(), secretApiKey, command, timeout);
        Consumer<Call> action;
        synchronized (this) {
            calls.add(call);
            action = duringCall;
        }
        action.accept(call);
        synchronized (this) {
            Deque<SendOutcome> q = queued.get(endpoint.id());
            if (q != null && !q.isEmpty()) {
                return q.poll();
            }
            SendOutcome d = defaults.get(endpoint.id());
            return d != null ? d : new SendOutcome.Sent("wamid." + (++sent));
        }
    }
}
