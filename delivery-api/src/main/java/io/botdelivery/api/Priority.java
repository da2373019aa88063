package io.botdelivery.api;

/** Dispatch order between chats when the global budget is the bottleneck: a paid delivery should not wait behind a broadcast. */
public enum Priority {
    HIGH,
    NORMAL,
    LOW;

    /** 0 for HIGH, larger is later; what stores sort by. */
    public int rank() {
        return ordinal();
    }

    public static Priority ofRank(int rank) {
        return values()[rank];
    }
}
