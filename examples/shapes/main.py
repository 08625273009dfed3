from shapes import Circle, Square, total_area


def main() -> None:
    figures = [Circle(1.0), Square(2.0)]
    try:
        print(total_area(figures))
    finally:
        print("done")


if __name__ == "__main__":
    main()
