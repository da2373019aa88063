package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

import java.io.Serial;
import java.util.Objects;
import java.util.Optional;

/**
 * A send made through {@link DeliveringTelegramClient} did not arrive for its caller: the delivery FAILED (Telegram
 * refused it for good, or its attempts ran out; {@link #delivery()} has the reason), was CANCELLED, or was not sent
 * within the client's cap. {@link #mayStillArrive()} tells the last case apart: the client cancels a delivery not sent
 * within the cap, and when it could not (it was on the wire, or is held elsewhere) the message may still arrive.
 */
public final class UndeliveredException extends TelegramApiException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final DeliveryId deliveryId;
    private final transient Delivery delivery;
    private final boolean mayStillArrive;

    UndeliveredException(String message, DeliveryId deliveryId, Delivery delivery, boolean mayStillArrive) {
        super(message);
        this.deliveryId = Objects.requireNonNull(deliveryId, "deliveryId");
        this.delivery = delivery;
        this.mayStillArrive = mayStillArrive;
    }

    /** The engine's delivery that carried the send: look it up, redeliver or cancel it with the engine. */
    public DeliveryId deliveryId() {
        return deliveryId;
    }

    /** The delivery's final snapshot (FAILED or CANCELLED), or empty when the cap ran out first. */
    public Optional<Delivery> delivery() {
        return Optional.ofNullable(delivery);
    }

    /** True only when the cap ran out and the delivery could not be cancelled: it is queued or on the wire. */
    public boolean mayStillArrive() {
        return mayStillArrive;
    }
}
