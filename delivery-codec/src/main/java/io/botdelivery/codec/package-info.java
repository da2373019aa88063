/**
 * The stored form of a delivery's payload, shared by every store: {@link io.botdelivery.codec.PayloadCodec}. Depends
 * on delivery-api and Jackson only, so core stays free of a JSON library and any store may use it.
 */
package io.botdelivery.codec;
