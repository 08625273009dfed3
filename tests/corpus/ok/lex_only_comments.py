# one
    # indented comment
	# tab comment
