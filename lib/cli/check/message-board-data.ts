/**
 * The message board's data as the tutorial publishes it: a copy of lib/microservices/app/data/db.json, which
 * `labs check` compares the board's answers with (the check never reads the lab's folder; a test keeps the
 * two equal).
 */
export const MESSAGE_BOARD_DATA = {
  "users": [
    { "id": 1, "username": "ada", "name": "Ada Lovelace", "bio": "Writes the first programs, long before the machines exist." },
    { "id": 2, "username": "leslie", "name": "Leslie Lamport", "bio": "Clocks, Paxos and TLA+. Asks what time it is, everywhere at once." },
    { "id": 3, "username": "barbara", "name": "Barbara Liskov", "bio": "Abstraction, replication and Viewstamped Replication." },
    { "id": 4, "username": "werner", "name": "Werner Vogels", "bio": "Everything fails, all the time." }
  ],
  "threads": [
    { "id": 1, "title": "What is a monolith, really?", "createdBy": 4 },
    { "id": 2, "title": "Logical clocks in practice", "createdBy": 2 },
    { "id": 3, "title": "Splitting services without downtime", "createdBy": 3 }
  ],
  "posts": [
    { "id": 1, "thread": 1, "user": 4, "text": "One deployable unit: every feature ships together, and scales together." },
    { "id": 2, "thread": 1, "user": 1, "text": "Which is fine until one part needs ten times the capacity of the rest." },
    { "id": 3, "thread": 1, "user": 3, "text": "Draw the module boundaries first; the service boundaries follow them." },
    { "id": 4, "thread": 2, "user": 2, "text": "A happened-before B is all a Lamport clock promises. It is often enough." },
    { "id": 5, "thread": 2, "user": 1, "text": "And vector clocks tell you when two events are concurrent." },
    { "id": 6, "thread": 3, "user": 3, "text": "Run the new service beside the old code path, then move the traffic." },
    { "id": 7, "thread": 3, "user": 4, "text": "Health checks first, traffic second, and keep the old path until the new one is proven." },
    { "id": 8, "thread": 3, "user": 2, "text": "And drain connections before you stop anything." }
  ]
} as const;
