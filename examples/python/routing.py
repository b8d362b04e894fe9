#!/usr/bin/python3
"""Tutorial 4 of shared/SCENARIOS.md with pika: a "direct_logs" exchange;
subscribers bind by severity; one queue carries several bindings.
Self-checking: exits 1 on failure.
"""
import argparse
import sys

import pika


def drain(ch, queue, n):
    got = []
    for method, _, _ in ch.consume(queue, auto_ack=True, inactivity_timeout=0.3):
        if method is None:
            break
        got.append(method.routing_key)
    ch.cancel()
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    args = ap.parse_args()

    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.exchange_declare(exchange="direct_logs", exchange_type="direct", durable=True)

    def subscribe(*severities):
        q = channel.queue_declare(queue="", exclusive=True).method.queue
        for s in severities:
            channel.queue_bind(exchange="direct_logs", queue=q, routing_key=s)
        return q

    errors_only = subscribe("error")
    everything = subscribe("info", "warning", "error")
    for s in ["info", "warning", "error", "debug"]:
        channel.basic_publish(exchange="direct_logs", routing_key=s, body=("%s: hello" % s).encode())

    for name, q, want in [("errors-only", errors_only, ["error"]),
                          ("all", everything, ["info", "warning", "error"])]:
        got = drain(channel, q, len(want))
        if got != want:
            sys.exit("FAIL: %s got %r, want %r" % (name, got, want))
        print(" [x] %s got %r" % (name, got))
    channel.exchange_delete(exchange="direct_logs")
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
