package com.booqing.whatsapp.sender.dispatch;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * One assigned partition, for as long as it stays assigned: the offsets read but not finished, and the records not
 * yet handed to a lane. Offsets are committed only up to the lowest unfinished one, so a crash or a rebalance
 * replays every command whose result was not acknowledged, and never skips one. A new assignment of the same
 * partition gets a new state; work that finishes for an old one changes nothing that is committed.
 */
public final class PartitionState {
    private final TopicPartition partition;
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;
    private long committed = -1;
    /** Read but not yet dispatched, in offset order; touched by the polling thread only. */
    private final List<Job> backlog = new ArrayList<>();
    private boolean paused;

    public PartitionState(TopicPartition partition) {
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Records read but not yet handed to a lane; for the polling thread only. */
    public List<Job> backlog() {
        return backlog;
    }

    /** Whether fetching is paused because the backlog is full; for the polling thread only. */
    public boolean paused() {
        return paused;
    }

    public void paused(boolean value) {
        paused = value;
    }

    public synchronized void read(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    public synchronized void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit when it moved since the last commit: the lowest unfinished, else the next to read. */
    public synchronized OptionalLong toCommit() {
        if (next < 0) {
            return OptionalLong.empty();
        }
        long candidate = unfinished.isEmpty() ? next : unfinished.first();
        return candidate > committed ? OptionalLong.of(candidate) : OptionalLong.empty();
    }

    public synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }

    public synchronized int unfinishedCount() {
        return unfinished.size();
    }
}
