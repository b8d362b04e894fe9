#!/usr/bin/python3
"""Tutorial 6 of shared/SCENARIOS.md with pika: a server consumes
rpc_queue with prefetch 1 and answers fib(n); clients (one with an
exclusive reply queue, one with direct reply-to) send requests with
reply_to and a fresh correlation_id, several at once, and each must get
exactly its own answers. Self-checking: exits 1 on failure.
"""
import argparse
import sys
import threading
import uuid

import pika


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def serve(params, ready, stop):
    connection = pika.BlockingConnection(params)
    channel = connection.channel()
    channel.queue_declare(queue="rpc_queue")
    channel.queue_purge(queue="rpc_queue")
    channel.basic_qos(prefetch_count=1)

    def on_request(ch, method, props, body):
        n = int(body)
        ch.basic_publish(exchange="", routing_key=props.reply_to,
                         properties=pika.BasicProperties(correlation_id=props.correlation_id),
                         body=str(fib(n)).encode())
        ch.basic_ack(delivery_tag=method.delivery_tag)

    channel.basic_consume(queue="rpc_queue", on_message_callback=on_request)
    ready.set()
    while not stop.is_set():
        connection.process_data_events(time_limit=0.05)
    channel.queue_delete(queue="rpc_queue")
    connection.close()


class Client:
    def __init__(self, params, direct):
        self.connection = pika.BlockingConnection(params)
        self.channel = self.connection.channel()
        if direct:
            self.reply_to = "amq.rabbitmq.reply-to"
        else:
            self.reply_to = self.channel.queue_declare(queue="", exclusive=True).method.queue
        self.channel.basic_consume(queue=self.reply_to, on_message_callback=self.on_response, auto_ack=True)
        self.pending = {}

    def on_response(self, ch, method, props, body):
        self.pending[props.correlation_id] = int(body)

    def send(self, n):
        corr = str(uuid.uuid4())
        self.pending[corr] = None
        self.channel.basic_publish(
            exchange="", routing_key="rpc_queue",
            properties=pika.BasicProperties(reply_to=self.reply_to, correlation_id=corr),
            body=str(n).encode())
        return corr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    args = ap.parse_args()
    params = pika.URLParameters(args.url)

    ready, stop = threading.Event(), threading.Event()
    server = threading.Thread(target=serve, args=(params, ready, stop))
    server.start()
    try:
        if not ready.wait(10):
            sys.exit("FAIL: server not ready")
        clients = [Client(params, direct=False), Client(params, direct=True)]
        asked = []  # (client, correlation id, n)
        for i in range(10):
            for c in clients:
                n = (i * 3 + len(asked)) % 25
                asked.append((c, c.send(n), n))
        for _ in range(400):
            for c in clients:
                c.connection.process_data_events(time_limit=0.02)
            if all(c.pending[corr] is not None for c, corr, _ in asked):
                break
        for c, corr, n in asked:
            if c.pending.get(corr) != fib(n):
                sys.exit("FAIL: reply to %s: %r, want %d" % (corr, c.pending.get(corr), fib(n)))
        for c in clients:
            extra = set(c.pending) - {corr for cc, corr, _ in asked if cc is c}
            if extra:
                sys.exit("FAIL: replies meant for others: %r" % extra)
            c.connection.close()
        print(" [.] both clients got their %d answers" % (len(asked) // 2))
    finally:
        stop.set()
        server.join()
    print("OK")


if __name__ == "__main__":
    main()
