

# comment

x = 1
    
	
        # deep comment
def f():

    # comment

    return 1


    # dedented later
class C:
    pass
        # over-indented comment
    x = 1
