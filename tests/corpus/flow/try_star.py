try:
    run()
except* ValueError as group:
    handle(group)
except* TypeError:
    print("type")
finally:
    cleanup()
