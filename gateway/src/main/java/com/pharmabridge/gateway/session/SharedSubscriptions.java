package com.pharmabridge.gateway.session;

import com.pharmabridge.gateway.bridge.CoreMessageHandler;
import com.pharmabridge.gateway.bridge.ReceivedHeaders;
import com.pharmabridge.gateway.bridge.LoopSubscription;
import com.pharmabridge.gateway.bridge.NatsBridge;
import com.pharmabridge.protocol.MessageType;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.Subscription;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One NATS subscription per subject for all of this gateway's sessions subscribed to exactly that subject. With a
 * subscription per session, nats-server sent the gateway one copy of each message per device and the gateway parsed
 * each and built each device's envelope from it; now one copy arrives and its envelope is built once, then handed to
 * every subscribed session. What a device receives is unchanged.
 *
 * <p>Where event loops have their own NATS connection, the subscription is per loop and made on that connection: the
 * message is read, turned into the envelope and written to the devices by the loop that serves them, with no NATS
 * thread and no hand-over in between. Otherwise it is one jnats subscription whose NATS thread hands the envelope to
 * each session's loop.
 */
final class SharedSubscriptions {
    /** Changed only under this object's lock. */
    private final Map<Key, Shared> byKey = new HashMap<>();

    /** {@code loop} is the event loop thread whose connection carries the subscription, or null for jnats. */
    private record Key(Thread loop, String subject) {
    }

    /** Adds the session to the subject's subscription, subscribing at NATS if it is the first. On the session's loop. */
    synchronized Shared join(NatsBridge bridge, String subject, CoreSubscription member) {
        Key key = new Key(bridge.hasLoopConnectionHere() ? Thread.currentThread() : null, subject);
        Shared shared = byKey.get(key);
        if (shared == null) {
            shared = new Shared(bridge, key);
            if (key.loop() != null) {
                shared.onLoop = bridge.subscribeOnThisLoop(subject, shared);
            } else {
                shared.subscription = bridge.subscribe(subject, shared);
            }
            byKey.put(key, shared);
        }
        shared.members = append(shared.members, member);
        return shared;
    }

    /** Removes the member (again: nothing); the last one to leave ends the NATS subscription. */
    synchronized void leave(Shared shared, CoreSubscription member) {
        CoreSubscription[] members = shared.members;
        int at = -1;
        for (int i = 0; i < members.length; i++) {
            if (members[i] == member) {
                at = i;
            }
        }
        if (at < 0) {
            return;
        }
        CoreSubscription[] fewer = new CoreSubscription[members.length - 1];
        System.arraycopy(members, 0, fewer, 0, at);
        System.arraycopy(members, at + 1, fewer, at, members.length - at - 1);
        shared.members = fewer;
        if (fewer.length == 0 && byKey.get(shared.key) == shared) {
            byKey.remove(shared.key);
            if (shared.onLoop != null) {
                shared.onLoop.unsubscribe();
            } else {
                shared.bridge.unsubscribe(shared.subscription);
            }
        }
    }

    private static CoreSubscription[] append(CoreSubscription[] members, CoreSubscription member) {
        CoreSubscription[] more = Arrays.copyOf(members, members.length + 1);
        more[members.length] = member;
        return more;
    }

    static final class Shared implements MessageHandler, CoreMessageHandler {
        private final NatsBridge bridge;
        private final Key key;
        private Subscription subscription;
        private LoopSubscription onLoop;
        /** Copied on every change, so the NATS thread reads it without a lock. */
        private volatile CoreSubscription[] members = new CoreSubscription[0];

        private Shared(NatsBridge bridge, Key key) {
            this.bridge = bridge;
            this.key = key;
        }

        /** Completes once nats-server has the subscription. Called on the joining session's loop. */
        CompletableFuture<Void> confirmed() {
            return onLoop != null ? onLoop.confirmed() : bridge.afterServerCaughtUp();
        }

        /** From jnats, on a NATS thread: each session gets the envelope on its own loop. */
        @Override
        public void onMessage(Message message) {
            CoreSubscription[] now = members;
            if (now.length == 0) {
                return;
            }
            String replyTo = Deliveries.replySubject(message, bridge.streams());
            DirectFrames.Shared envelope = Deliveries.shared(message, replyTo);
            for (CoreSubscription member : now) {
                DeviceSession session = member.session();
                session.onContext(() -> {
                    if (Deliveries.deliverUncounted(session, envelope, replyTo)) {
                        session.services().metrics().sent(MessageType.MESSAGE, envelope.utf8().length);
                    }
                });
            }
        }

        /** From the loop's own connection: every member is served by this loop. */
        @Override
        public void onMessage(String subject, String replyTo, ReceivedHeaders headers, byte[] data) {
            CoreSubscription[] now = members;
            if (now.length == 0) {
                return;
            }
            String answerTo = Deliveries.replySubject(subject, replyTo, headers, false, bridge.streams());
            DirectFrames.Shared envelope = Deliveries.shared(subject, headers, data, answerTo);
            int delivered = 0;
            for (CoreSubscription member : now) {
                if (Deliveries.deliverUncounted(member.session(), envelope, answerTo)) { // already on its loop
                    delivered++;
                }
            }
            now[0].session().services().metrics().sent(MessageType.MESSAGE, delivered, envelope.utf8().length);
        }
    }
}
