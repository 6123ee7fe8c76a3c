package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;

import java.util.List;

/**
 * What one command does: the tenant's next state, the records to write (in order), the audit event (null when
 * nothing changed) and the answer. A refused command keeps the state and writes nothing but its outcome.
 */
record Decision(TenantState state, List<Change> changes, ConfigurationChanged event, CommandOutcome outcome) {

    Decision {
        changes = List.copyOf(changes);
    }

    boolean applied() {
        return outcome.status() == CommandOutcome.Status.APPLIED;
    }
}
