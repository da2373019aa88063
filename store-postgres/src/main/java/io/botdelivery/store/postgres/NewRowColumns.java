package io.botdelivery.store.postgres;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * New rows for {@code DeliveryMapper.insertAll}, turned column-wise: one Java array per column, each bound as one
 * array parameter and unnested by PostgreSQL. The statement then has the same 19 parameters however many rows it
 * carries, so its text and its cached plan never change, where a multi-row VALUES list had 20 parameters a row for
 * MyBatis to expand and PostgreSQL to parse and plan on every call.
 *
 * <p>Types the driver's arrays carry as they are (text, bigint, integer, boolean); ids, instants and message id
 * lists go as their text form and the statement casts them ({@code ::uuid[]}, {@code ::timestamptz[]},
 * {@code ::bigint[]} per element), which keeps every value exact (instants to the microsecond).
 */
final class NewRowColumns {
    final String[] ids;
    final String[] idempotencyKeys;
    final Long[] requestChatIds;
    final String[] payloadKinds;
    final String[] businessReferences;
    final String[] orderingKeys;
    final Integer[] priorities;
    final String[] onAmbiguous;
    final Boolean[] allowPaidBroadcast;
    final String[] payloads;
    final Long[] chatIds;
    final Integer[] attempts;
    final Integer[] deliveredItems;
    final String[] messageIds;
    final String[] lastErrors;
    final String[] lastErrorClasses;
    final String[] nextAttemptAts;
    final String[] createdAts;
    final String[] updatedAts;

    NewRowColumns(List<DeliveryRow> rows) {
        int n = rows.size();
        ids = new String[n];
        idempotencyKeys = new String[n];
        requestChatIds = new Long[n];
        payloadKinds = new String[n];
        businessReferences = new String[n];
        orderingKeys = new String[n];
        priorities = new Integer[n];
        onAmbiguous = new String[n];
        allowPaidBroadcast = new Boolean[n];
        payloads = new String[n];
        chatIds = new Long[n];
        attempts = new Integer[n];
        deliveredItems = new Integer[n];
        messageIds = new String[n];
        lastErrors = new String[n];
        lastErrorClasses = new String[n];
        nextAttemptAts = new String[n];
        createdAts = new String[n];
        updatedAts = new String[n];
        for (int i = 0; i < n; i++) {
            DeliveryRow r = rows.get(i);
            ids[i] = r.id.toString();
            idempotencyKeys[i] = r.idempotencyKey;
            requestChatIds[i] = r.requestChatId;
            payloadKinds[i] = r.payloadKind;
            businessReferences[i] = r.businessReference;
            orderingKeys[i] = r.orderingKey;
            priorities[i] = r.priority;
            onAmbiguous[i] = r.onAmbiguous;
            allowPaidBroadcast[i] = r.allowPaidBroadcast;
            payloads[i] = r.payload;
            chatIds[i] = r.chatId;
            attempts[i] = r.attempts;
            deliveredItems[i] = r.deliveredItems;
            messageIds[i] = arrayLiteral(r.messageIds);
            lastErrors[i] = r.lastError;
            lastErrorClasses[i] = r.lastErrorClass;
            nextAttemptAts[i] = text(r.nextAttemptAt);
            createdAts[i] = text(r.createdAt);
            updatedAts[i] = text(r.updatedAt);
        }
    }

    /** ISO-8601 in UTC ({@code 2026-01-01T00:00:00.123456Z}), which PostgreSQL reads back to the microsecond. */
    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** {@code {1,2,3}}: PostgreSQL's literal of a bigint array. */
    static String arrayLiteral(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}
