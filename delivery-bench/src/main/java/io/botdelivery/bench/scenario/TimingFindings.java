package io.botdelivery.bench.scenario;

/**
 * How exactly sends kept to the limiter's slots: what the limiter granted, how late the engine put each send on the
 * wire, and how long the wire took. A limiter that never grants more than the budget still draws 429s when sends
 * bunch up between the slot and Telegram; these figures say which of the two happened.
 *
 * @param slotsMaxGlobal the most standard-lane messages whose granted slots (call start + granted delay) fall in any
 *                       1 s window, all instances together
 * @param globalPermits  the standard lane's budget
 * @param latenessMillis send left − its slot, per send (timer and scheduling delay; grows when the cores are busy)
 * @param wireMillis     Telegram accepted − send left, per send (HTTP and the simulator)
 */
public record TimingFindings(int slotsMaxGlobal, int globalPermits, Percentiles latenessMillis, Percentiles wireMillis) {
}
