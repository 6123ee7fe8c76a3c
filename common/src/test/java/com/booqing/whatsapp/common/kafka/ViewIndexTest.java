package com.booqing.whatsapp.common.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ViewIndexTest {
    record Member(String group, String name) {
    }

    private final ViewIndex<Member> index = new ViewIndex<>(Member::group);

    @Test
    void findsEachGroupsValuesInKeyOrder() {
        index.accept("k2", new Member("t1", "b"));
        index.accept("k1", new Member("t1", "a"));
        index.accept("k3", new Member("t2", "c"));

        assertThat(index.group("t1")).extracting(Member::name).containsExactly("a", "b");
        assertThat(index.group("t2")).extracting(Member::name).containsExactly("c");
        assertThat(index.group("t3")).isEmpty();
    }

    @Test
    void replacesAValueAndForgetsADeletedOne() {
        index.accept("k1", new Member("t1", "a"));
        index.accept("k2", new Member("t1", "b"));
        index.accept("k1", new Member("t1", "a2"));
        index.accept("k2", null);

        assertThat(index.group("t1")).extracting(Member::name).containsExactly("a2");
        index.accept("k1", null);
        assertThat(index.group("t1")).isEmpty();
    }

    @Test
    void movesAValueWhoseGroupChanged() {
        index.accept("k1", new Member("t1", "a"));
        index.accept("k1", new Member("t2", "a"));

        assertThat(index.group("t1")).isEmpty();
        assertThat(index.group("t2")).extracting(Member::name).containsExactly("a");
    }

    @Test
    void aGroupAlreadyHandedOutDoesNotChangeUnderItsReader() {
        index.accept("k1", new Member("t1", "a"));
        var seen = index.group("t1");
        index.accept("k2", new Member("t1", "b"));

        assertThat(seen).extracting(Member::name).containsExactly("a");
        assertThat(index.group("t1")).hasSize(2);
    }
}
