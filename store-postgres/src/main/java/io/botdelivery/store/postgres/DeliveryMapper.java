package io.botdelivery.store.postgres;

import org.apache.ibatis.annotations.Param;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The store's SQL, one method per statement; the statements are in {@code DeliveryMapper.xml} next to this file.
 * Writes by a worker return the number of rows changed (0 or 1): 0 means the worker does not hold the lease, or the
 * delivery is not in the state the write expects.
 */
interface DeliveryMapper {

    /** Inserts the delivery (leased to {@code leaseOwner} when given and its ordering key allows) and returns its status; null on a duplicate. */
    String insert(@Param("row") DeliveryRow row, @Param("leaseOwner") String leaseOwner, @Param("leaseUntil") Instant leaseUntil);

    /** Inserts the new rows PENDING in one statement, skipping stored keys and ids; the keys of the rows inserted. */
    List<String> insertAll(@Param("c") NewRowColumns columns);

    List<DeliveryRow> findByIdempotencyKeys(@Param("keys") String[] keys);

    DeliveryRow findById(@Param("id") UUID id);

    List<DeliveryRow> findByIds(@Param("ids") String[] ids);

    /** The rows of {@code ids} that are DELIVERED, FAILED or CANCELLED. */
    List<DeliveryRow> findFinalByIds(@Param("ids") String[] ids);

    int purgeFinished(@Param("before") Instant before, @Param("max") int max);

    DeliveryRow findByIdempotencyKey(@Param("key") String key);

    List<DeliveryRow> claimDue(@Param("now") Instant now, @Param("max") int max, @Param("owner") String owner,
                               @Param("until") Instant until);

    List<UUID> renewLeases(@Param("ids") String[] ids, @Param("owner") String owner, @Param("until") Instant until);

    int complete(@Param("id") UUID id, @Param("owner") String owner, @Param("messageIds") List<Long> messageIds,
                 @Param("now") Instant now);

    /** Completes the rows still IN_FLIGHT under {@code owner}, each with its message ids ({@code {1,2}}); the ids completed. */
    List<UUID> completeAll(@Param("ids") String[] ids, @Param("messageIds") String[] messageIds, @Param("owner") String owner,
                           @Param("now") Instant now);

    int recordAttempt(@Param("id") UUID id, @Param("owner") String owner, @Param("p") Progress progress, @Param("now") Instant now);

    /** Records each attempt of {@code c} on its row if still IN_FLIGHT under {@code owner}; the ids written. */
    List<UUID> recordAttemptAll(@Param("c") AttemptColumns columns, @Param("owner") String owner, @Param("now") Instant now);

    int reschedule(@Param("id") UUID id, @Param("owner") String owner, @Param("p") Progress progress,
                   @Param("nextAttemptAt") Instant nextAttemptAt, @Param("now") Instant now);

    int fail(@Param("id") UUID id, @Param("owner") String owner, @Param("p") Progress progress, @Param("now") Instant now,
             @Param("notifyLeaseUntil") Instant notifyLeaseUntil);

    /** A leased delivery that cannot be read → FAILED (UNREADABLE), alert owed and claimable by any worker at once. */
    int markUnreadable(@Param("id") UUID id, @Param("owner") String owner, @Param("reason") String reason, @Param("now") Instant now);

    List<DeliveryRow> claimUnnotified(@Param("now") Instant now, @Param("max") int max, @Param("owner") String owner,
                                      @Param("until") Instant until);

    int markNotified(@Param("id") UUID id, @Param("owner") String owner, @Param("now") Instant now);

    int cancel(@Param("id") UUID id, @Param("owner") String owner, @Param("now") Instant now);

    int redeliver(@Param("id") UUID id, @Param("now") Instant now);

    /** Rows of (status, count). */
    List<Map<String, Object>> countByStatus();

    Instant oldestWaitingSince();

    List<DeliveryRow> recentFailures(@Param("limit") int limit);
}
