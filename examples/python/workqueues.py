#!/usr/bin/python3
"""Tutorial 2 of shared/SCENARIOS.md with pika: a durable task queue,
persistent messages, workers with prefetch 1 and manual acks. A worker that
dies mid-task loses nothing: the task is redelivered, flagged redelivered,
to another worker. Self-checking: exits 1 on failure.
"""
import argparse
import sys

import pika

QUEUE = "task_queue"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    ap.add_argument("--tasks", type=int, default=20)
    args = ap.parse_args()
    params = pika.URLParameters(args.url)

    # new_task.py
    connection = pika.BlockingConnection(params)
    channel = connection.channel()
    channel.queue_declare(queue=QUEUE, durable=True)
    channel.queue_purge(queue=QUEUE)
    for i in range(args.tasks):
        channel.basic_publish(
            exchange="", routing_key=QUEUE, body=("task %d" % i).encode(),
            properties=pika.BasicProperties(delivery_mode=2))
    print(" [x] Sent %d tasks" % args.tasks)

    # A worker takes one task and dies without acking it.
    doomed = pika.BlockingConnection(params)
    dch = doomed.channel()
    dch.basic_qos(prefetch_count=1)
    method, _, lost = next(dch.consume(QUEUE, inactivity_timeout=10))
    if method is None:
        sys.exit("FAIL: the doomed worker got no task")
    print(" [!] worker 0 dies while doing %r" % lost)
    doomed.close()

    # Two workers, prefetch 1, ack after the work; served in turn.
    done, redelivered = {}, set()
    workers = []
    for _ in range(2):
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        ch.basic_qos(prefetch_count=1)

        def callback(ch, method, properties, body):
            done[body] = done.get(body, 0) + 1
            if method.redelivered:
                redelivered.add(body)
            ch.basic_ack(delivery_tag=method.delivery_tag)

        ch.basic_consume(queue=QUEUE, on_message_callback=callback)
        workers.append(conn)
    for _ in range(1000):
        for conn in workers:
            conn.process_data_events(time_limit=0.01)
        if len(done) == args.tasks:
            break
    for i in range(args.tasks):
        name = ("task %d" % i).encode()
        if done.get(name) != 1:
            sys.exit("FAIL: %r done %r times" % (name, done.get(name)))
    if lost not in redelivered:
        sys.exit("FAIL: %r was not flagged redelivered" % lost)
    print(" [x] all %d tasks done once; %r was redelivered" % (args.tasks, lost))
    for conn in workers:
        conn.close()
    channel.queue_delete(queue=QUEUE)
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
