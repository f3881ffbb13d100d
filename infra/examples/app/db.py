import os
import pickle
import subprocess

AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def find(db, user):
    return db.execute("SELECT * FROM users WHERE name='" + user + "'")


def restore(blob):
    return pickle.loads(blob)


def archive(name):
    subprocess.run("tar czf backup.tgz " + name, shell=True)


def find_safely(db, user):
    return db.execute("SELECT * FROM users WHERE name = %s", (user,))
