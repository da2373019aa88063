package io.botdelivery.bench.scenario;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds the {@link DeliveryRequest} of a {@link WorkItem}. Every message's text or caption starts with its identity
 * ({@link WorkItem#contents()}), so the simulator's record tells which delivery each accepted message belongs to.
 * Uploads come from a few shared "product" files: the first send of each uploads it, later ones may use the
 * sender's cached file_id.
 */
public final class Payloads {
    static final int PRODUCT_PHOTOS = 6;
    static final int PRODUCT_DOCUMENTS = 3;

    private final List<MediaSource.Bytes> photos = new ArrayList<>();
    private final List<MediaSource.Bytes> documents = new ArrayList<>();

    public Payloads() {
        Random random = new Random(42);
        for (int i = 1; i <= PRODUCT_PHOTOS; i++) {
            photos.add(MediaSource.bytes("product-" + i + ".jpg", bytes(random, 4_096 + 2_048 * i)));
        }
        for (int i = 1; i <= PRODUCT_DOCUMENTS; i++) {
            documents.add(MediaSource.bytes("pack-" + i + ".zip", bytes(random, 16_384 * i)));
        }
    }

    public DeliveryRequest request(WorkItem item) {
        return DeliveryRequest.builder(item.chatId(), payload(item))
                .idempotencyKey(item.key())
                .priority(item.priority())
                .onAmbiguous(item.policy())
                .businessReference(item.key())
                .allowPaidBroadcast(item.paidBroadcast())
                .build();
    }

    Payload payload(WorkItem item) {
        int pick = Math.floorMod(item.seq(), PRODUCT_PHOTOS);
        return switch (item.kind()) {
            case TEXT -> Payload.text(item.key() + (item.paidBroadcast()
                    ? " This week in the shop: three new packs, and 20% off every bundle until Sunday."
                    : " Your order is confirmed. Thank you for shopping with us!"));
            case PHOTO_UPLOAD -> Payload.photo(photos.get(pick), item.key() + " Your product preview");
            case DOCUMENT_UPLOAD -> Payload.document(documents.get(Math.floorMod(item.seq(), PRODUCT_DOCUMENTS)),
                    item.key() + " Your purchased pack");
            case ALBUM -> album(item, pick);
        };
    }

    private Payload album(WorkItem item, int firstPhoto) {
        List<Payload.Media> media = new ArrayList<>();
        List<String> ids = item.contents();
        for (int i = 0; i < item.items(); i++) {
            MediaSource.Bytes photo = photos.get((firstPhoto + i) % PRODUCT_PHOTOS);
            media.add(new Payload.Media(Payload.MediaKind.PHOTO, photo, ids.get(i) + " Item " + (i + 1) + " of your pack",
                    ParseMode.PLAIN));
        }
        return new Payload.Album(media);
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
