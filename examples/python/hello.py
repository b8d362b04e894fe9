#!/usr/bin/python3
"""Tutorial 1 of shared/SCENARIOS.md with pika: "Hello World!" through the
default exchange to the queue "hello". Self-checking: exits 1 on failure.

    /usr/bin/python3 examples/python/hello.py --url amqp://guest:guest@localhost:5672/
"""
import argparse
import sys

import pika


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    args = ap.parse_args()

    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.queue_declare(queue="hello")

    channel.basic_publish(exchange="", routing_key="hello", body=b"Hello World!",
                          properties=pika.BasicProperties(content_type="text/plain"))
    print(" [x] Sent 'Hello World!'")

    got = []

    def callback(ch, method, properties, body):
        print(" [x] Received %r" % body)
        got.append((body, properties.content_type))
        ch.stop_consuming()

    channel.basic_consume(queue="hello", on_message_callback=callback, auto_ack=True)
    connection.call_later(10, channel.stop_consuming)
    channel.start_consuming()
    if got != [(b"Hello World!", "text/plain")]:
        sys.exit("FAIL: got %r" % got)
    channel.queue_delete(queue="hello")
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
